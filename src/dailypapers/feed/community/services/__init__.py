"""What the community can do to papers, as plain functions: tests, the admin and the API
call them without HTTP."""
