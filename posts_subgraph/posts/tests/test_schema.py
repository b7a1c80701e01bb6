"""The subgraph SDL is the client-facing contract: these types must keep their exact shape."""

from io import StringIO

from django.core.management import call_command

from posts.schema import schema

CONTRACT = [
    """type Post @key(fields: "id") {
  id: ID!
  title: String!
  description: String
  created: Date!""",
    """  author: User
}""",
    """type PostConnection {
  edges: [PostEdge!]!
  pageInfo: PageInfo!""",
    "  totalCount: Int!\n}",
    """type PostEdge {
  cursor: String!
  node: Post!
}""",
    "  posts(first: Int = 20, after: String): PostConnection!\n}",
    "  myPosts(first: Int = 20, after: String): PostConnection!",
    "  post(id: ID!): Post",
    "  posts(first: Int = 20, after: String, authorId: ID): PostConnection!",
    "  createPost(input: CreatePostInput!): Post!",
    "  updatePost(id: ID!, input: UpdatePostInput!): Post!",
    "  deletePost(id: ID!): ID!",
    """input CreatePostInput {
  title: String!

  \"\"\"At most 10000 characters (longer: BAD_USER_INPUT).\"\"\"
  description: String
}""",
    """input UpdatePostInput {
  title: String

  \"\"\"At most 10000 characters (longer: BAD_USER_INPUT).\"\"\"
  description: String
}""",
    """type User @key(fields: "id") {
  id: ID!""",
    "union _Entity = Post | User",
]


def test_the_sdl_keeps_the_contract():
    sdl = schema.as_str()

    missing = [fragment for fragment in CONTRACT if fragment not in sdl]
    assert missing == []
    page_info = sdl[sdl.index("type PageInfo {") :].split("}")[0]
    assert [line.strip() for line in page_info.splitlines() if ": " in line] == [
        "hasNextPage: Boolean!",
        "hasPreviousPage: Boolean!",
        "startCursor: String",
        "endCursor: String",
    ]


def test_export_schema_prints_the_federation_2_9_sdl():
    output = StringIO()

    call_command("export_schema", stdout=output)

    assert output.getvalue().startswith(
        'schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])'
    )
    assert output.getvalue().strip() == schema.as_str().strip()
