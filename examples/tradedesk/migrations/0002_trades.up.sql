CREATE TABLE trades (
    id BIGSERIAL PRIMARY KEY,
    buy_order TEXT NOT NULL REFERENCES orders (id),
    sell_order TEXT NOT NULL REFERENCES orders (id),
    price NUMERIC(18, 6) NOT NULL,
    quantity INTEGER NOT NULL,
    executed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX trades_executed_at ON trades (executed_at);
