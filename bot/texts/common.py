"""Texts shared by every flow."""

DEFAULTS: dict[str, str] = {
    "error_generic": (
        "Sorry, something went wrong on our side. Nothing you entered is lost. "
        "Please try again in a moment, or call the clinic on {phone}."
    ),
    "emergency_notice": (
        "This chat is not monitored 24/7. In an emergency call 911. "
        "If you are thinking about harming yourself, call or text 988."
    ),
}
