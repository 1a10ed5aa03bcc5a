-- A sender address is verified through a one-time link e-mailed to it:
-- only the SHA-256 of the link's secret is kept, with its expiry, and it
-- is cleared when the link is used.

ALTER TABLE sender_addresses ADD COLUMN verify_hash TEXT;
ALTER TABLE sender_addresses ADD COLUMN verify_expires_at TIMESTAMP;

CREATE UNIQUE INDEX sender_addresses_verify_hash_key ON sender_addresses (verify_hash);
