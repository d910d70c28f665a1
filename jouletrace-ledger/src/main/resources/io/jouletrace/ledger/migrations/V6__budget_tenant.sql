-- The tenant a team or cost-center budget belongs to (docs/budgets.md): it counts only that tenant's calls and only that
-- tenant's keys see it. NULL: an admin-wide budget over all tenants (every budget stored before this column).
ALTER TABLE budgets ADD COLUMN tenant VARCHAR;
