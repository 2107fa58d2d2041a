"""Request names the scenarios report under (Locust ``name=``) and the library reads back.

Locust groups statistics by name; every URL with an id in it is reported under its route so
that one row holds all of them. Kept free of imports: the locustfile and the library both use it.
"""

PRODUCTS = "/api/v1/products"
PRODUCT = "/api/v1/products/{id}"
CART = "/api/v1/cart"
CART_ITEMS = "/api/v1/cart/items"
CART_ITEM = "/api/v1/cart/items/{id}"
CHECKOUT_HAPPY = "/api/v1/checkout [happy path]"
CHECKOUT_SCARCE = "/api/v1/checkout [insufficient stock]"
CHECKOUT_DECLINED = "/api/v1/checkout [payment declined]"
CHECKOUTS = (CHECKOUT_HAPPY, CHECKOUT_SCARCE, CHECKOUT_DECLINED)
EVENTS = "/api/v1/events"
AGGREGATED = "Aggregated"

#: The user classes of the mixed run, and the one of the read-capacity step.
MIXED_USERS = ("Buyer", "Browser", "CartUser")
READ_USERS = ("ProductReader",)
#: Seed 003 scenario 8: clients sending a fixed number of requests each.
CLIENT_USERS = ("SeedClient",)
