"""The pages people work in (not the admin): the supervisors' 工作台 under /supervise/, the
units' 整改填报 under /portal/, the login and the scoped attachment download."""
