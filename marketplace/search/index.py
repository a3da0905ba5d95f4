# Skeleton so the app boots; the search work replaces it.
def init_app(app):
    pass


def health():
    return "ok"
