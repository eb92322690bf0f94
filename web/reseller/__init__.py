"""The reseller's pages (issue 8): the units it provisioned, their health and versions."""
