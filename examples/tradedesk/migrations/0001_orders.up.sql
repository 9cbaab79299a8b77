CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
    price NUMERIC(18, 6) NOT NULL CHECK (price > 0),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
