"""The gate config: its schema (`schema`), the rules across keys (`rules`), and
finding and reading the file (`load`). The core imports only `schema`."""
