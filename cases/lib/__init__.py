"""Pure helpers of the cases app: no ORM, testable without a database."""
