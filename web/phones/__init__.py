"""Phone provisioning files served to IP phones (provisioning/phones), keyed by MAC."""
