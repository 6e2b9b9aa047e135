from .branding import current_branding


def branding(request) -> dict:
    """`branding` in every page's template: the practice's name, logo, colours and footer."""
    return {"branding": current_branding()}
