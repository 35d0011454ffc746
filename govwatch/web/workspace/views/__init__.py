"""The workspace's views, one module per side: common (home, login, downloads), work
(supervisors and readers), portal (unit operators); access holds the role checks."""
