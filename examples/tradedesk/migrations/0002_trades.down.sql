DROP INDEX trades_executed_at;
DROP TABLE trades;
