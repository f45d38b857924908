"""Portal recipes, one per portal family, registered by family name.

The contract is written down in :mod:`bots.portals.recipes.base`. Adding a
family: subclass :class:`~bots.portals.recipes.base.Recipe`, set its labels,
implement ``open_invoice_form``, register it here, and follow
``runbooks/portal-onboarding.md``.
"""

from bots.portals.recipes.ariba import AribaRecipe
from bots.portals.recipes.base import Confirmation, Found, Recipe
from bots.portals.recipes.coupa import CoupaRecipe
from bots.portals.recipes.taulia import TauliaRecipe

RECIPES: dict[str, type[Recipe]] = {
    "coupa": CoupaRecipe,
    "ariba": AribaRecipe,
    "taulia": TauliaRecipe,
}

__all__ = ["RECIPES", "Confirmation", "Found", "Recipe"]
