def test_adds() -> None:
    assert 1 + 1 == 2
