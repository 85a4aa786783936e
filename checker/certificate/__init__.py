"""Checking verdicts after the fact, without the engine that produced them: traces replayed
through the reference semantics (`evidence`, `traces`) and certificates (`write`, `verify`)."""
