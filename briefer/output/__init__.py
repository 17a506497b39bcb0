"""What leaves briefer: templating, rendering to Markdown, HTML and JSON, the email message, the mailer, and
delivery (`publish` writes and sends)."""
