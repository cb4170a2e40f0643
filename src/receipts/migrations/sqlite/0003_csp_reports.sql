-- Content-Security-Policy violations reported by visitors' browsers, as
-- counts per day, page path, blocked host and directive: no address, no
-- browser. Not part of the hash chain: these are statistics, not proof.
CREATE TABLE csp_reports (
  day TEXT NOT NULL,
  path TEXT NOT NULL,
  host TEXT NOT NULL,
  directive TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (day, path, host, directive)
);
