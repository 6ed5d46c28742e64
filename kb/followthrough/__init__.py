"""What happens after signing: deadlines and when they fall due, claims in press releases checked
against the signed texts, and the difference between two versions of a document."""
