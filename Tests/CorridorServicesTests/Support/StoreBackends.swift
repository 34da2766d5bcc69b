import CorridorStoreBackends

/// This module's contract tests run on every store, PostgreSQL included when configured.
typealias StoreBackend = EveryStoreBackend
