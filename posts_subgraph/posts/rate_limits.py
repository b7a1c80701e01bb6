"""The rate limits of the post mutations, counted per user (subgraph_kit.rate_limits counts).

Per user, not per address: every write needs an access token, and a user's tokens all count
together whichever address they come from.
"""

from subgraph_kit.rate_limits import RateLimit

POST_CREATE_PER_USER = RateLimit("POST_CREATE_PER_USER", "Too many posts created")
POST_UPDATE_PER_USER = RateLimit("POST_UPDATE_PER_USER", "Too many post updates")
