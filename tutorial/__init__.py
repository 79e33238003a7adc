"""The tutorial site: lesson pages, the browser terminal and the sandboxes of learners."""
