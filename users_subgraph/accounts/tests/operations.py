"""The GraphQL operations the tests send, as a client or the router would."""

SIGNUP = """
mutation Signup($input: SignupInput!) {
  signup(input: $input) { access refresh user { id email isVerified dateJoined } }
}
"""

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { access refresh user { id email isVerified dateJoined } }
}
"""

REFRESH_TOKEN = """
mutation RefreshToken($refresh: String!) {
  refreshToken(refresh: $refresh) { access refresh }
}
"""

LOGOUT = """
mutation Logout($refresh: String!) {
  logout(refresh: $refresh)
}
"""

ME = """
query Me {
  me { id email isVerified dateJoined }
}
"""

USER_ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id isVerified dateJoined }
  }
}
"""

USER_ENTITIES_WITH_EMAIL = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id email }
  }
}
"""

LOGOUT_ALL = """
mutation LogoutAll {
  logoutAll
}
"""

CHANGE_PASSWORD = """
mutation ChangePassword($input: ChangePasswordInput!) {
  changePassword(input: $input) { access refresh user { id email } }
}
"""


def aliased(field: str, calls: list[str], selection: str = "") -> str:
    """One mutation calling `field` once per argument list, each call under its own alias."""
    aliases = "\n".join(
        f"  call{index}: {field}({arguments}) {selection}" for index, arguments in enumerate(calls)
    )
    return f"mutation Batch {{\n{aliases}\n}}"


VERIFY_EMAIL = """
mutation VerifyEmail($token: String!) {
  verifyEmail(token: $token)
}
"""

RESEND_VERIFICATION_EMAIL = """
mutation ResendVerificationEmail($email: String!) {
  resendVerificationEmail(email: $email)
}
"""

REQUEST_PASSWORD_RESET = """
mutation RequestPasswordReset($email: String!) {
  requestPasswordReset(email: $email)
}
"""

RESET_PASSWORD = """
mutation ResetPassword($token: String!, $newPassword: String!) {
  resetPassword(token: $token, newPassword: $newPassword) {
    access refresh user { id email isVerified }
  }
}
"""

DELETE_ACCOUNT = """
mutation DeleteAccount($password: String!) {
  deleteAccount(password: $password)
}
"""
