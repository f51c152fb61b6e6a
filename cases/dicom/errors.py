class RejectedFile(Exception):
    """A file the atlas will not import; `reason` is shown to the author as it is."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
