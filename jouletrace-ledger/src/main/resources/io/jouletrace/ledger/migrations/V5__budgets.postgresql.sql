-- PostgreSQL only, run after V5__budgets.sql: two concurrent `budget set` of one name cannot both insert.
CREATE UNIQUE INDEX budgets_name ON budgets (name);
