"""heritage: a database of what armed conflict did to heritage sites, each fact cited to its source."""
