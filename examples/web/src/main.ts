/**
 * The page: sign up or log in, then list, create, edit and delete your posts, and log out.
 *
 * Plain DOM, no framework: each view is rebuilt from the API's answers, and every action runs
 * through `run()`, which shows failures in one alert line and returns to the sign-in form when
 * the session has expired.
 */
import './style.css';
import {
  CreatePostDocument,
  DeletePostDocument,
  MyPostsDocument,
  UpdatePostDocument,
  type MyPostsQuery,
} from './generated/graphql';
import { authorized, currentUser, login, logout, SessionExpiredError, signup } from './session';

type Post = MyPostsQuery['myPosts']['edges'][number]['node'];

const PAGE_SIZE = 20;

const view = h('div');
const alertLine = h('p', { className: 'alert', role: 'alert' });
document.querySelector('#app')!.replaceChildren(h('h1', {}, 'Posts'), alertLine, view);

let busy = false;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), properties);
  element.append(...children);
  return element;
}

/**
 * Runs one user action at a time: every button is disabled until it ends. Shows its failure, or
 * the sign-in form if the session has ended.
 */
async function run(action: () => Promise<void>): Promise<void> {
  if (busy) return;
  setBusy(true);
  alertLine.textContent = '';
  try {
    await action();
  } catch (error) {
    if (error instanceof SessionExpiredError) renderSignedOut();
    alertLine.textContent = error instanceof Error ? error.message : String(error);
  } finally {
    setBusy(false);
  }
}

function setBusy(value: boolean): void {
  busy = value;
  view.ariaBusy = value ? 'true' : null;
  for (const control of view.querySelectorAll('button')) control.disabled = value;
}

/** A required input inside its label. */
function field(label: string, properties: Partial<HTMLInputElement>): [HTMLLabelElement, HTMLInputElement] {
  const input = h('input', { required: true, ...properties });
  return [h('label', {}, label, input), input];
}

function button(label: string, properties: Partial<HTMLButtonElement> = {}): HTMLButtonElement {
  return h('button', { type: 'button', disabled: busy, ...properties }, label);
}

/** A post's title and description as a form; an empty description is sent as null (none). */
function postForm(
  name: string,
  post: Post | null,
  actions: HTMLButtonElement[],
  save: (input: { title: string; description: string | null }) => Promise<void>,
): HTMLFormElement {
  const [titleLabel, title] = field('Title', { name: 'title', value: post?.title ?? '' });
  const description = h('textarea', { name: 'description', rows: 2, value: post?.description ?? '' });
  const form = h(
    'form',
    { ariaLabel: name },
    titleLabel,
    h('label', {}, 'Description', description),
    h('div', { className: 'actions' }, ...actions),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    void run(() => save({ title: title.value, description: description.value || null }));
  };
  return form;
}

function renderSignedOut(): void {
  const [emailLabel, email] = field('Email', { name: 'email', type: 'email', autocomplete: 'username' });
  const [passwordLabel, password] = field('Password', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    { ariaLabel: 'Account' },
    emailLabel,
    passwordLabel,
    h(
      'div',
      { className: 'actions' },
      button('Log in', { type: 'submit', value: 'login' }),
      button('Sign up', { type: 'submit', value: 'signup', className: 'secondary' }),
    ),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    const start = (event.submitter as HTMLButtonElement | null)?.value === 'signup' ? signup : login;
    void run(async () => {
      await start(email.value, password.value);
      await renderSignedIn();
    });
  };
  view.replaceChildren(h('p', {}, 'Sign up or log in to manage your posts.'), form);
}

async function renderSignedIn(): Promise<void> {
  const user = currentUser();
  if (!user) return renderSignedOut();

  const heading = h('h2', {}, 'Your posts');
  const list = h('ul', { className: 'posts' });
  const loadMore = button('Load more', { className: 'secondary', hidden: true });
  let endCursor: string | null = null;

  async function loadPosts(after: string | null): Promise<void> {
    const { myPosts } = await authorized(MyPostsDocument, { first: PAGE_SIZE, after });
    const items = myPosts.edges.map((edge) => postItem(edge.node));
    if (after) list.append(...items);
    else list.replaceChildren(...items);
    heading.textContent = `Your posts (${myPosts.totalCount})`;
    endCursor = myPosts.pageInfo.endCursor;
    loadMore.hidden = !myPosts.pageInfo.hasNextPage;
  }
  loadMore.onclick = () => void run(() => loadPosts(endCursor));

  function postItem(post: Post): HTMLLIElement {
    const item = h('li');
    const edit = button('Edit', { className: 'secondary' });
    const remove = button('Delete', { className: 'danger' });
    const details = [
      h('h3', {}, post.title),
      ...(post.description ? [h('p', {}, post.description)] : []),
      h('p', { className: 'meta' }, `by ${post.author?.email ?? 'an unknown author'} on ${post.created}`),
      h('div', { className: 'actions' }, edit, remove),
    ];
    const showDetails = () => item.replaceChildren(...details);
    const cancel = button('Cancel', { className: 'secondary', onclick: showDetails });
    edit.onclick = () =>
      item.replaceChildren(
        postForm('Edit post', post, [button('Save', { type: 'submit' }), cancel], async (input) => {
          await authorized(UpdatePostDocument, { id: post.id, input });
          await loadPosts(null);
        }),
      );
    remove.onclick = () =>
      void run(async () => {
        await authorized(DeletePostDocument, { id: post.id });
        await loadPosts(null);
      });
    showDetails();
    return item;
  }

  const create = button('Create post', { type: 'submit' });
  const createForm = postForm('New post', null, [create], async (input) => {
    await authorized(CreatePostDocument, { input });
    createForm.reset();
    await loadPosts(null);
  });

  const logOut = button('Log out', { className: 'secondary' });
  logOut.onclick = () =>
    void run(async () => {
      try {
        await logout();
      } finally {
        renderSignedOut();
      }
      alertLine.textContent = 'You are logged out.';
    });

  view.replaceChildren(
    h('p', { className: 'account' }, 'Signed in as ', h('strong', {}, user.email), ' ', logOut),
    createForm,
    heading,
    list,
    loadMore,
  );
  await loadPosts(null);
}

if (currentUser()) void run(renderSignedIn);
else renderSignedOut();
