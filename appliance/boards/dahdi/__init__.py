"""The dahdi driver's parts: ioctl numbers, the OS interface, detection, the channel port."""
