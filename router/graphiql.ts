/**
 * GraphiQL: Yoga's page bundled inline (no CDN, works offline), served only where introspection
 * is allowed (it cannot load the schema otherwise), opening on a document that walks a new user
 * from signing up to a federated query.
 */

// Lines stay within 48 characters: the query editor's width at a 1400 px wide window.
export const DEFAULT_DOCUMENT = `# Welcome to the federated API.
#
# A new user has no account yet:
# 1. Put your own email and password in SignUp
#    and run it (the ▶ button asks which
#    operation); copy the \`access\` token.
# 2. Open "Headers" (bottom pane) and paste:
#    {"Authorization": "Bearer <access token>"}
# 3. Run CreatePost, then MyPosts: posts come
#    from the posts subgraph, each author's
#    email from the users subgraph.
# Next time, \`login\` returns a fresh token.
mutation SignUp {
  signup(input: {
    email: "ada@example.com"
    password: "choose a long password"
  }) {
    access
    user {
      email
    }
  }
}

mutation CreatePost {
  createPost(input: {
    title: "Hello, federation"
  }) {
    id
    title
  }
}

query MyPosts {
  myPosts {
    edges {
      node {
        title
        author {
          email
        }
      }
    }
  }
}
`;

/** The gateway's `graphiql` option. */
export function graphiqlOptions({ introspection }: { introspection: boolean }) {
  return introspection ? { title: 'Federated API', defaultQuery: DEFAULT_DOCUMENT } : false;
}
