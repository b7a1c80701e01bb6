/**
 * The page: sign up or log in, then list, create, edit and delete your posts, and log out; and
 * the account's own pages: a forgotten password, the mailed verification and reset links
 * (`/verify-email?token=...`, `/reset-password?token=...`), deleting the account.
 *
 * Plain DOM, no framework: each view is rebuilt from the API's answers, and every action runs
 * through `run()`, which shows failures in one alert line and returns to the sign-in form when
 * the session has expired.
 */
import './style.css';
import { ApiError } from './api';
import { field, h } from './dom';
import * as dom from './dom';
import {
  CreatePostDocument,
  DeletePostDocument,
  MyPostsDocument,
  UpdatePostDocument,
  type MyPostsQuery,
} from './generated/graphql';
import {
  authorized,
  currentUser,
  deleteAccount,
  login,
  logout,
  markVerifiedIfSignedIn,
  requestPasswordReset,
  resendVerificationEmail,
  resetPassword,
  SessionExpiredError,
  signup,
  verifyEmail,
} from './session';

type Post = MyPostsQuery['myPosts']['edges'][number]['node'];

const PAGE_SIZE = 20;
/** The code the users service answers when it requires verified addresses and this one is not. */
const EMAIL_NOT_VERIFIED = 'EMAIL_NOT_VERIFIED';

const view = h('div');
const alertLine = h('p', { className: 'alert', role: 'alert' });
document.querySelector('#app')!.replaceChildren(h('h1', {}, 'Posts'), alertLine, view);

let busy = false;

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

function button(label: string, properties: Partial<HTMLButtonElement> = {}): HTMLButtonElement {
  return dom.button(label, busy, properties);
}

/** Shows the page at `path` in the address bar without reloading (and drops a mailed token). */
function showPath(path: string): void {
  history.replaceState(null, '', path);
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

/** A button that mails a new verification link to `email`. */
function resendVerificationButton(email: string): HTMLButtonElement {
  const resend = button('Resend verification email', { className: 'secondary' });
  resend.onclick = () =>
    void run(async () => {
      await resendVerificationEmail(email);
      alertLine.textContent = `If ${email} still needs verifying, a new link is on its way.`;
    });
  return resend;
}

function renderSignedOut(): void {
  const [emailLabel, email] = field('Email', { name: 'email', type: 'email', autocomplete: 'username' });
  const [passwordLabel, password] = field('Password', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const forgot = button('Forgot your password?', { className: 'link' });
  forgot.onclick = () => renderForgotPassword(email.value);
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
      forgot,
    ),
  );
  const notice = h('div');
  form.onsubmit = (event) => {
    event.preventDefault();
    const start = (event.submitter as HTMLButtonElement | null)?.value === 'signup' ? signup : login;
    notice.replaceChildren();
    void run(async () => {
      try {
        await start(email.value, password.value);
      } catch (error) {
        // The account exists but its address is unverified, and the server requires it: say
        // where the link went and offer a new one.
        if (error instanceof ApiError && error.codes.includes(EMAIL_NOT_VERIFIED)) {
          notice.replaceChildren(
            h('p', {}, `Open the link mailed to ${email.value} to verify the address, then log in.`),
            resendVerificationButton(email.value),
          );
        }
        throw error;
      }
      await renderSignedIn();
    });
  };
  showPath('/');
  view.replaceChildren(h('p', {}, 'Sign up or log in to manage your posts.'), form, notice);
}

function renderForgotPassword(typedEmail: string): void {
  const [emailLabel, email] = field('Email', {
    name: 'email',
    type: 'email',
    autocomplete: 'username',
    value: typedEmail,
  });
  const back = button('Back to log in', { className: 'secondary', onclick: renderSignedOut });
  const form = h(
    'form',
    { ariaLabel: 'Password reset' },
    emailLabel,
    h('div', { className: 'actions' }, button('Send reset link', { type: 'submit' }), back),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    void run(async () => {
      await requestPasswordReset(email.value);
      renderSignedOut();
      // The same answer whether or not an account uses the address.
      alertLine.textContent = `If an account uses ${email.value}, a link to reset its password is on its way.`;
    });
  };
  view.replaceChildren(h('p', {}, 'Enter the address of your account: a reset link will be mailed to it.'), form);
}

/** `/reset-password?token=...`: the mailed link. A new password signs this tab in. */
function renderResetPassword(token: string): void {
  const [passwordLabel, password] = field('New password', {
    name: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
  });
  const form = h(
    'form',
    { ariaLabel: 'New password' },
    passwordLabel,
    h('div', { className: 'actions' }, button('Set password', { type: 'submit' })),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    void run(async () => {
      await resetPassword(token, password.value);
      showPath('/');
      await renderSignedIn();
      alertLine.textContent = 'Your password is changed; every other session of the account is logged out.';
    });
  };
  view.replaceChildren(h('p', {}, 'Choose a new password for your account.'), form);
}

/**
 * `/verify-email?token=...`: the mailed link. The address is verified when the user confirms,
 * not when the page opens: mail scanners that open links (and run their scripts) must not verify
 * addresses nobody opened (django-allauth's ACCOUNT_CONFIRM_EMAIL_ON_GET is off for this reason).
 */
function renderVerifyEmail(token: string): void {
  const next = button('Continue', { onclick: () => void run(renderHome) });
  const confirm = button('Confirm my email address');
  confirm.onclick = () =>
    void run(async () => {
      try {
        await verifyEmail(token);
        await markVerifiedIfSignedIn();
        view.replaceChildren(h('p', {}, 'Your email address is verified.'), next);
      } catch (error) {
        view.replaceChildren(h('p', {}, 'This verification link cannot be used.'), next);
        throw error;
      }
    });
  view.replaceChildren(h('p', {}, 'Confirm that this email address is yours.'), confirm);
}

async function renderSignedIn(): Promise<void> {
  const user = currentUser();
  if (!user) return renderSignedOut();
  showPath('/');

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

  const account = h('div', { className: 'account' });
  const deleteButton = button('Delete account', { className: 'danger' });
  deleteButton.onclick = () => account.replaceChildren(deleteAccountForm(() => account.replaceChildren(deleteButton)));
  account.replaceChildren(deleteButton);

  view.replaceChildren(
    h('p', { className: 'account' }, 'Signed in as ', h('strong', {}, user.email), ' ', logOut),
    // `=== false`: a session stored by an older build of the page has no isVerified.
    ...(user.isVerified !== false
      ? []
      : [h('p', { className: 'notice' }, 'Your email address is not verified yet. ', resendVerificationButton(user.email))]),
    createForm,
    heading,
    list,
    loadMore,
    account,
  );
  await loadPosts(null);
}

/** Deleting the account asks for the password again; `cancel` puts the button back. */
function deleteAccountForm(cancel: () => void): HTMLFormElement {
  const [passwordLabel, password] = field('Password', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    { ariaLabel: 'Delete account' },
    h('p', {}, 'Your account and all your posts will be deleted. This cannot be undone.'),
    passwordLabel,
    h(
      'div',
      { className: 'actions' },
      button('Delete my account', { type: 'submit', className: 'danger' }),
      button('Cancel', { className: 'secondary', onclick: cancel }),
    ),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    void run(async () => {
      await deleteAccount(password.value);
      renderSignedOut();
      alertLine.textContent = 'Your account and its posts are deleted.';
    });
  };
  return form;
}

async function renderHome(): Promise<void> {
  if (currentUser()) await renderSignedIn();
  else renderSignedOut();
}

/** The mailed links' pages by path; everything else is the home page. */
function route(): void {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  if (location.pathname === '/verify-email') {
    // Out of the address bar (and of the history) before anything else loads.
    showPath('/verify-email');
    renderVerifyEmail(token);
  } else if (location.pathname === '/reset-password') {
    showPath('/reset-password');
    renderResetPassword(token);
  } else {
    void run(renderHome);
  }
}

route();
