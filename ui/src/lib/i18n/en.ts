// English strings. Every other dictionary must have exactly this shape
// (checked by TypeScript through the Dictionary type).

import type { ErrorCode } from '../types';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/** An error's sentence; `where` is "host:port" when a broker is concerned, else null. */
type ErrorTexts = Record<ErrorCode, (where: string | null) => string>;

export const en = {
  app: {
    name: 'Tether',
    starting: 'Starting Tether…',
  },
  /**
   * One sentence per error code: what happened and what to do. `where` is
   * the broker's host:port when the failure is about a known broker. The
   * backend's own text (English, technical) goes behind "Details" only.
   */
  errors: {
    auth_failed: (where) =>
      `The broker${where ? ` at ${where}` : ''} did not accept this user id and password. Check both, then try again.`,
    unreachable: (where) =>
      `Tether cannot reach the broker${where ? ` at ${where}` : ''}. Check the address and that the broker is running, then try again.`,
    tls: (where) =>
      `Tether cannot open a secure connection to the broker${where ? ` at ${where}` : ''}. Check that it speaks TLS on this port (mqtts://) and that its certificate is valid, then try again.`,
    local_taken: () =>
      'Another broker runs on this computer and asks for a password, so Tether cannot host “This computer” beside it. Choose “An MQTT broker” and sign in to it, or stop it and try again.',
    lan_unavailable: () =>
      'Tether cannot host for the local network: only the Tether that hosts This computer’s broker can, on a free port (1884).',
    bad_input: () => 'Tether cannot use what was entered. Check it (Details says why), then try again.',
    keyring: () => 'The system keyring is not available. Unlock it, or sign in without “Remember me”.',
    not_logged_in: () => 'You are not signed in. Sign in to continue.',
    store: () =>
      'Tether cannot use its local message store. Check free disk space and file permissions, then try again.',
    internal: () => 'Something went wrong. Try again; if it keeps happening, restart Tether.',
  } satisfies ErrorTexts as ErrorTexts,
  notice: {
    details: 'Details',
  },
  login: {
    title: 'Sign in to Tether',
    subtitle: 'Chat on this computer, or over the MQTT broker your team runs.',
    accounts: 'Your accounts',
    signInAs: (name: string) => `Sign in as ${name}`,
    passwordRemembered: 'Password remembered',
    passwordNeeded: 'Password needed',
    addAccount: 'Add account',
    newAccount: 'New account',
    enterPassword: (user: string) => `Enter the password for ${user}.`,
    reauth: 'The broker refused your password. Enter it again to reconnect.',
    forget: 'Forget',
    forgetAccount: (name: string) => `Forget ${name}`,
    forgetConfirm: (name: string) => `Forget ${name}? Its saved password is removed from this computer.`,
    confirmForget: 'Forget account',
    cancel: 'Cancel',
    server: 'Server',
    thisComputer: 'This computer',
    aBroker: 'An MQTT broker',
    thisComputerHint:
      'No server to install: Tether runs a small broker inside the app. Others on this computer (another Tether profile, the tether command) can chat with you. Messages for someone who is away wait in memory until this app quits; your history stays on this computer. For a team, use a broker such as Mosquitto or EMQX.',
    broker: 'Broker address',
    brokerHint: 'mqtt://host:1883, or mqtts://host:8883 for TLS',
    brokerRequired: 'Enter the broker address.',
    user: 'User id',
    userHint: '1–64 letters, digits, “.”, “_” or “-”',
    userInvalid: 'A user id is 1–64 letters, digits, “.”, “_” or “-”, without spaces.',
    password: 'Password',
    remember: 'Remember me',
    rememberHint: 'Keeps the password in the system keyring',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    backToChat: 'Back to chat',
  },
  lan: {
    menu: 'Local network…',
    title: 'Host for the local network',
    explain:
      'People on this network can chat with you over this computer’s broker. They sign in with a user id and password you give them here, and can send only as themselves.',
    notHosting:
      'Another program hosts This computer’s broker (another Tether, or tether serve). Open the network from there: tether serve --lan.',
    open: 'Let people on this network join',
    enterThis: 'They choose “An MQTT broker” and enter:',
    untilQuit: 'Open until Tether quits; turn it on again after a restart.',
    addresses: 'Addresses',
    noAddress: 'This computer has no network address right now.',
    trusted:
      'Passwords cross the network unencrypted: use this only on a network you trust. When the chat must not depend on this computer being on, move to a broker such as Mosquitto.',
    users: 'Who may sign in',
    noUsers: 'Nobody yet.',
    remove: (user: string) => `Remove ${user}`,
    removeShort: 'Remove',
    passwordHint: 'At least 8 characters. Giving an existing user a password replaces theirs.',
    add: 'Add',
    close: 'Done',
  },
  presence: {
    online: 'Online',
    away: 'Away',
    offline: 'Offline',
    yourStatus: 'Your status',
    lastSeen: (when: string) => `Last seen ${when}`,
    /** A contact's state while we are not connected and know nothing about them. */
    unknown: 'Status unknown while offline',
  },
  account: {
    menu: 'Account menu',
    signedInAs: (user: string, broker: string) => `Signed in as ${user} on ${broker}`,
    switchTo: (name: string) => `Switch to ${name}`,
    otherAccounts: 'Other accounts',
    addAccount: 'Add account',
    signOut: 'Sign out',
  },
  sidebar: {
    conversations: 'Conversations',
    empty: 'No conversations yet. Start a chat or join a room.',
    loadFailed: 'Conversations could not be loaded.',
    retry: 'Retry',
    newChat: 'New chat',
    joinRoom: 'Join room',
    userId: 'User id',
    roomId: 'Room id',
    startChat: 'Start chat',
    join: 'Join',
    cancel: 'Cancel',
    idInvalid: 'Use 1–64 letters, digits, “.”, “_” or “-”, without spaces.',
    unread: (n: number) => `${n} unread`,
    you: 'You',
    noMessages: 'No messages yet',
    unsupported: 'Unsupported message',
  },
  search: {
    label: 'Search messages',
    resultsLabel: 'Search results',
    placeholder: 'Search all messages',
    clear: 'Clear search',
    searching: 'Searching…',
    none: 'No messages found.',
    results: (n: number) => `${n} ${plural(n, 'result', 'results')}`,
  },
  settings: {
    open: 'Settings',
    language: 'Language',
    system: 'System default',
    theme: 'Theme',
    light: 'Light',
    dark: 'Dark',
    startAtLogin: 'Start Tether in the tray when I log in',
    close: 'Close settings',
  },
  chat: {
    empty: 'Choose a conversation on the left, or start a new chat.',
    members: (n: number) => `${n} ${plural(n, 'member', 'members')}`,
    room: (id: string) => `#${id}`,
    leaveRoom: 'Leave room',
    leaveConfirm: 'Leave this room? History stays on this computer.',
    leave: 'Leave',
    cancel: 'Cancel',
    messages: (name: string) => `Messages with ${name}`,
    loadingOlder: 'Loading older messages…',
    loadingNewer: 'Loading newer messages…',
    loadFailed: 'Messages could not be loaded.',
    retry: 'Retry',
    beginning: 'This is the beginning of the conversation.',
    jumpToLatest: 'Jump to latest',
    today: 'Today',
    yesterday: 'Yesterday',
    gap: (n: number, sender: string) =>
      `${n} ${plural(n, 'message', 'messages')} from ${sender} ${plural(n, 'was', 'were')} lost`,
    unsupported: 'Unsupported message',
    unsupportedHint: 'It was sent by a newer version of the protocol.',
    showRaw: 'Show raw data',
    status: {
      queued: 'Queued',
      sent: 'Sent',
      delivered: 'Delivered',
      read: 'Read',
      failed: 'Not sent',
    },
    /** Under a message the broker kept refusing (set aside, see FailedActions). */
    failed: {
      title: 'Message not sent',
      explain: 'The server closed the connection each time this message was sent, so it was set aside; your other messages went on. Try again, or delete it.',
      retry: 'Try again',
      delete: 'Delete',
    },
  },
  typing: {
    one: (a: string) => `${a} is typing…`,
    two: (a: string, b: string) => `${a} and ${b} are typing…`,
    many: 'Several people are typing…',
  },
  composer: {
    label: (name: string) => `Message to ${name}`,
    placeholder: 'Write a message',
    send: 'Send',
    hint: 'Enter to send · Shift+Enter for a new line',
    sendFailed: 'The message was not sent',
  },
  connection: {
    connecting: 'Connecting…',
    reconnectingIn: (s: number) => `Reconnecting in ${s} s`,
    reconnecting: 'Reconnecting…',
    lastError: (e: string) => `Last error: ${e}`,
    retryNow: 'Retry now',
    offline: 'Offline',
    queued: (n: number) => `${n} ${plural(n, 'message', 'messages')} queued`,
    authFailed: 'The broker refused your password',
    signInAgain: 'Sign in again',
    connected: 'Connected',
    eventsFailed: (e: string) => `Live updates are unavailable: ${e}`,
    retry: 'Retry',
  },
  toast: {
    dismiss: 'Dismiss',
  },
};

export type Dictionary = typeof en;
