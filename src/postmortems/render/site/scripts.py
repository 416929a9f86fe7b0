"""Our own small inline scripts for the site. They read only our data (``data-*`` attributes
and the JSON search index) and never write HTML: results are shown by hiding rows."""

from __future__ import annotations

# Sort by clicking a column header; filter by the selects; full-text search by the search box
# (every word typed must start a word of the postmortem). ``?q=word`` pre-fills the search.
INDEX_JS = r"""(function(){
var t=document.getElementById('pm-table');if(!t)return;
var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var q=document.getElementById('q'),count=document.getElementById('count');
var sels=Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
var el=document.getElementById('search-data'),words=el?JSON.parse(el.textContent):{};
function terms(){return q.value.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(function(w){return w.length>1;});}
function apply(){var ts=terms(),n=0;
rows.forEach(function(r){var ok=true;
sels.forEach(function(s){if(ok&&s.value){ok=(r.getAttribute('data-'+s.getAttribute('data-filter'))||'').indexOf('|'+s.value+'|')>=0;}});
if(ok&&ts.length){var w=' '+(words[r.getAttribute('data-id')]||'');ok=ts.every(function(x){return w.indexOf(' '+x)>=0;});}
r.hidden=!ok;if(ok)n++;});
count.textContent=n+' of '+rows.length+' shown';}
q.addEventListener('input',apply);sels.forEach(function(s){s.addEventListener('change',apply);});
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(th,i){var b=th.querySelector('button');if(!b)return;
b.addEventListener('click',function(){var asc=th.getAttribute('aria-sort')!=='ascending',num=th.classList.contains('num');
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(c){c.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',asc?'ascending':'descending');
rows.sort(function(a,b){var x=a.cells[i].getAttribute('data-v')||'',y=b.cells[i].getAttribute('data-v')||'';
if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;
var c=num?(parseFloat(x)-parseFloat(y)):x.localeCompare(y);return asc?c:-c;});
rows.forEach(function(r){body.appendChild(r);});});});
var p=new URLSearchParams(location.search).get('q');if(p){q.value=p;}
apply();})();"""
