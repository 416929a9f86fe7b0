"""The library: postmortems, their revisions, drafts; pages to browse, search and edit them."""
