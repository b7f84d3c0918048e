"""The applications: the `zoo` command (`cli`) and the tour. The only layer that imports both `zoo` and `tuning`."""
