-- Everything a MySQL/MariaDB dump must carry: loaded with the real mariadb client.
CREATE TABLE customers (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  email VARCHAR(200) NOT NULL UNIQUE,
  note TEXT,
  created DATETIME(6) NOT NULL,
  balance DECIMAL(20,6) NOT NULL DEFAULT 0,
  profile JSON CHECK (JSON_VALID(profile)),
  avatar BLOB,
  name_upper VARCHAR(100) AS (UPPER(name)) VIRTUAL,
  email_domain VARCHAR(200) AS (SUBSTRING_INDEX(email, '@', -1)) PERSISTENT,
  KEY ix_domain (email_domain)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 AUTO_INCREMENT=1000;

CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id INT UNSIGNED NOT NULL,
  total DECIMAL(12,2) NOT NULL,
  placed TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  status ENUM('new','paid','shipped') NOT NULL DEFAULT 'new',
  flags SET('gift','express') NOT NULL DEFAULT '',
  raw VARBINARY(64),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE audit (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  what VARCHAR(200) NOT NULL,
  at DATETIME(6) NOT NULL DEFAULT NOW(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

INSERT INTO customers (name, email, note, created, balance, profile, avatar) VALUES
  ('Zoë 🐘 Müller', 'zoe@example.org', 'emoji 🎉🚀 and CJK 漢字, tab\there, newline\nthere, quote '' and backslash \\',
     '2026-01-02 03:04:05.123456', 12345678901234.123456, '{"tags": ["a", "ü", "😀"], "n": 1.5, "nested": {"x": null}}',
     UNHEX('00FF0102030405060708090A0B0C0D0E0F7F80FE')),
  ('Bob', 'bob@example.com', NULL, '1999-12-31 23:59:59.999999', -0.000001, '[]', ''),
  ('Ålesund Ærø', 'aa@example.no', '', '2038-01-19 03:14:08.000000', 0, NULL, NULL);
INSERT INTO customers (name, email, created, balance, avatar)
  SELECT CONCAT('customer ', seq), CONCAT('c', seq, '@example.net'), '2026-05-05 05:05:05.5', seq * 1.25,
         UNHEX(SHA2(seq, 256)) FROM seq_1_to_300;

INSERT INTO orders (customer_id, total, placed, status, flags, raw)
  SELECT 1000 + (seq MOD 303), seq / 7, '2026-03-03 03:03:03.333', ELT(1 + seq MOD 3, 'new', 'paid', 'shipped'),
         IF(seq MOD 5 = 0, 'gift,express', ''), UNHEX(MD5(seq)) FROM seq_1_to_1000;
DELETE FROM orders WHERE id > 990;            -- AUTO_INCREMENT stays above the last row
ALTER TABLE audit AUTO_INCREMENT = 5000;

CREATE VIEW big_spenders AS
  SELECT c.id, c.name, SUM(o.total) AS spent FROM customers c JOIN orders o ON o.customer_id = c.id
  GROUP BY c.id, c.name HAVING SUM(o.total) > 100;

DELIMITER //
CREATE PROCEDURE add_order(IN cust INT UNSIGNED, IN amount DECIMAL(12,2))
  MODIFIES SQL DATA
  COMMENT 'places an order 📦'
BEGIN
  INSERT INTO orders (customer_id, total) VALUES (cust, amount);
END//
CREATE FUNCTION spent(cust INT UNSIGNED) RETURNS DECIMAL(20,2)
  READS SQL DATA DETERMINISTIC
BEGIN
  RETURN (SELECT IFNULL(SUM(total), 0) FROM orders WHERE customer_id = cust);
END//
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW
BEGIN
  INSERT INTO audit (what) VALUES (CONCAT('order ', NEW.id, ' for ', NEW.customer_id));
END//
CREATE EVENT purge_audit ON SCHEDULE EVERY 1 DAY STARTS '2030-01-01 00:00:00' DISABLE
  COMMENT 'nightly purge'
  DO DELETE FROM audit WHERE at < NOW() - INTERVAL 30 DAY//
DELIMITER ;
