"""Reports of `revcheck lint`: text, JSON, SARIF 2.1.0 and JUnit XML."""
