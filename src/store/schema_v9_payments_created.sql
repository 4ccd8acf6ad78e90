-- touchpoint schema: payments in time order.
--
-- The top-up screen shows the newest payments every time it loads; without an index on the time
-- they are listed by, SQLite read and sorted every payment ever made to show twenty (0.13 s at
-- 300k payments, about 1 s at 2M). With it, it reads the newest twenty.
CREATE INDEX payments_created ON payments(created_at, id);
