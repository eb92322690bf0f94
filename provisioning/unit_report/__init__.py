"""The unit report (issue 8): what a box tells its reseller, built once, sent or printed."""
