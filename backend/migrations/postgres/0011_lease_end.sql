-- 租赁截止日期 of leased warehouses beside form_json, for the 租期将满/已过期 query conditions
-- (issue 14). Filled from the stored forms of existing leased warehouses.
ALTER TABLE filings ADD COLUMN lease_end TEXT;
UPDATE filings SET lease_end = form_json::json->>'lease_end'
 WHERE kind = 'warehouse' AND ownership = '2'
   AND form_json::json->>'lease_end' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
