"""Our own small inline scripts for the site. They read only our data (``data-*`` attributes
and the JSON search index) and never write HTML: results are shown by hiding rows."""

from __future__ import annotations

# Sort by clicking a column header; filter by the selects; full-text search by the search box
# (every word typed must start a word of the postmortem). ``?q=word`` pre-fills the search.
INDEX_JS = r"""(function(){
var t=document.getElementById('pm-table');if(!t)return;
var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);
var heads=Array.prototype.slice.call(t.tHead.rows[0].cells);
var q=document.getElementById('q'),count=document.getElementById('count');
var sels=Array.prototype.slice.call(document.querySelectorAll('select[data-filter]'));
var el=document.getElementById('search-data'),words=el?JSON.parse(el.textContent):{};
function terms(){
  return q.value.toLowerCase().split(/[^\p{L}\p{N}]+/u)
    .filter(function(w){return w.length>1;});
}
function keep(r,ts){
  for(var i=0;i<sels.length;i++){
    var s=sels[i],have=r.getAttribute('data-'+s.getAttribute('data-filter'))||'';
    if(s.value&&have.indexOf('|'+s.value+'|')<0)return false;
  }
  if(!ts.length)return true;
  var w=' '+(words[r.getAttribute('data-id')]||'');
  return ts.every(function(x){return w.indexOf(' '+x)>=0;});
}
function apply(){
  var ts=terms(),n=0;
  rows.forEach(function(r){var ok=keep(r,ts);r.hidden=!ok;if(ok)n++;});
  count.textContent=n+' of '+rows.length+' shown';
}
function value(r,i){return r.cells[i].getAttribute('data-v')||'';}
function sortBy(th,i){
  var asc=th.getAttribute('aria-sort')!=='ascending',num=th.classList.contains('num');
  heads.forEach(function(c){c.removeAttribute('aria-sort');});
  th.setAttribute('aria-sort',asc?'ascending':'descending');
  rows.sort(function(a,b){
    var x=value(a,i),y=value(b,i);
    if(x===''||y==='')return x===y?0:(x===''?1:-1);
    var c=num?parseFloat(x)-parseFloat(y):x.localeCompare(y);
    return asc?c:-c;
  });
  rows.forEach(function(r){body.appendChild(r);});
}
heads.forEach(function(th,i){
  var b=th.querySelector('button');
  if(b)b.addEventListener('click',function(){sortBy(th,i);});
});
q.addEventListener('input',apply);
sels.forEach(function(s){s.addEventListener('change',apply);});
var p=new URLSearchParams(location.search).get('q');if(p)q.value=p;
apply();
})();"""
