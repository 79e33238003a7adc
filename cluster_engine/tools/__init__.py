"""The simulated command-line tools a learner runs: kubectl, minikube, curl."""
