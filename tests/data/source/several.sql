-- No table named feedback, and more than one table.
CREATE TABLE a (date TEXT, text TEXT);
CREATE TABLE b (date TEXT, text TEXT);
