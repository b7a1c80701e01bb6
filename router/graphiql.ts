/**
 * GraphiQL: Yoga's page bundled inline (no CDN, works offline), served only where introspection
 * is allowed (it cannot load the schema otherwise), opening on a document that walks a new user
 * from signing up to a federated query.
 */

// The federated query the document suggests next, in two lines of a comment.
export const MY_POSTS_QUERY = `query MyPosts { myPosts { edges { node {
  title author { email } } } } }`;

// At most 22 lines of at most 48 characters: the whole document is in view in the query editor
// of a 1400 px wide window without scrolling either way (23 lines show when it is 800 px high).
export const DEFAULT_DOCUMENT = `# Welcome to the federated API.
#
# New here? Run SignUp with your own email and
# password, copy the \`access\` token, open
# "Headers" (bottom pane) and paste:
#   {"Authorization": "Bearer <access token>"}
# Then, in a new tab (+), your posts (from the
# posts subgraph) with each author's email
# (from the users subgraph):
${MY_POSTS_QUERY.replace(/^/gm, '#   ')}
# Next time, \`login\` returns a fresh token.
mutation SignUp {
  signup(input: {
    email: "ada@example.com"
    password: "choose a long password"
  }) {
    access
    user { email }
  }
}
`;

/** The gateway's `graphiql` option. */
export function graphiqlOptions({ introspection }: { introspection: boolean }) {
  return introspection ? { title: 'Federated API', defaultQuery: DEFAULT_DOCUMENT } : false;
}
