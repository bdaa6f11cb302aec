-- A feedback table as another tool might write it: dates as ISO text,
-- INTEGER and REAL Unix seconds, and NULLs; plus a second table.
CREATE TABLE feedback (id TEXT, date, channel TEXT, author TEXT,
                       text TEXT, rating, nps INTEGER, responded_at,
                       label TEXT);
INSERT INTO feedback VALUES
  ('s1', '2025-03-04T14:22:05Z', 'Forum', 'ann', 'text date', 4, NULL,
   NULL, NULL),
  ('s2', 1741098125, 'forum', NULL, 'integer date', NULL, 9, 1741101725,
   'pos'),
  ('s3', 1741098125.75, 'forum', '', 'real date', 5.0, NULL, NULL, NULL),
  ('s4', NULL, 'forum', '', 'null date', NULL, NULL, NULL, NULL),
  ('s5', '2025-03-05', 'forum', '', NULL, NULL, NULL, NULL, NULL),
  ('s6', '2025-03-05', 'forum', '', 'real rating', 4.5, NULL, NULL, NULL);
CREATE TABLE other (created_at INTEGER, body TEXT);
INSERT INTO other VALUES (1741098125, 'from other'), (0, 'epoch zero');
