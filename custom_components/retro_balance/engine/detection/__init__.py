"""What the pad sees happen: occupancy, the live stance-test detector, the daily-check sequence."""
