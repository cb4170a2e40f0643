-- The chain grows only at its head. Without this, anyone with the service's
-- own login could add a row to `purges`, delete a receipt below it (the
-- delete trigger lets rows under a purge go) and insert a forged one in its
-- place, below where `verify` starts walking.
CREATE TRIGGER receipts_only_at_the_head BEFORE INSERT ON receipts
WHEN NEW.seq <> 1 + MAX(COALESCE((SELECT MAX(seq) FROM receipts), 0),
                        COALESCE((SELECT MAX(through_seq) FROM purges), 0))
BEGIN SELECT RAISE(ABORT, 'receipts are appended only right after the head of the consent log'); END;

-- A purge ends at a receipt that is there, with that receipt's hash, after
-- the last purge: it cannot claim rows the log never held.
CREATE TRIGGER purges_end_at_a_kept_receipt BEFORE INSERT ON purges
WHEN NOT EXISTS (SELECT 1 FROM receipts WHERE seq = NEW.through_seq AND hash = NEW.through_hash)
  OR NEW.through_seq <= COALESCE((SELECT MAX(through_seq) FROM purges), 0)
BEGIN SELECT RAISE(ABORT, 'a purge ends at a receipt of the consent log, with its hash, after the last purge'); END;
