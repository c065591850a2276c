// English strings. Every other dictionary must have exactly this shape
// (checked by TypeScript through the Dictionary type).

import type { ErrorCode } from '../types';
import { enFiles } from './en-files';
import { enPeople } from './en-people';
import { plural } from './plural';

/** An error's sentence; `where` is "host:port" when a broker is concerned, else null. */
type ErrorTexts = Record<ErrorCode, (where: string | null) => string>;
/** The error sentences an SMS account words differently (about its gateway, not a broker). */
export type SmsErrorTexts = Pick<ErrorTexts, 'auth_failed' | 'unreachable'>;

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
  /**
   * The sentences that differ for an SMS account: `where` is then the
   * gateway's host:port. Other codes use `errors`.
   */
  smsErrors: {
    auth_failed: (where) =>
      `The SMS gateway${where ? ` at ${where}` : ''} refused the login. Check the SP id, the shared secret and the protocol version (Details gives the gateway’s reason), then try again.`,
    unreachable: (where) =>
      `Tether cannot reach the SMS gateway${where ? ` at ${where}` : ''}. Check the host and port, and that the gateway accepts this computer’s address, then try again.`,
  } satisfies SmsErrorTexts,
  notice: {
    details: 'Details',
  },
  login: {
    title: 'Sign in to Tether',
    subtitle: 'Chat on this computer or over the MQTT broker your team runs, or text phones through an SMS gateway.',
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
    aGateway: 'An SMS gateway (CMPP)',
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
    /** The SMS gateway form: the values an operator's contract gives an SP. */
    sms: {
      hint: 'Text phones as a service provider (SP) through your operator’s CMPP gateway. The operator’s contract gives the values below.',
      name: 'Account name',
      nameHint: 'How Tether lists this account: letters, digits, “.”, “_” or “-”',
      nameInvalid: 'An account name is 1–64 letters, digits, “.”, “_” or “-”, without spaces.',
      nameTaken: (name: string) => `Another account is already called “${name}”. Choose another name.`,
      host: 'Gateway host',
      hostHint: 'Host name or IP address, without the port',
      hostInvalid: 'Enter the gateway’s host name or IP address alone: no “cmpp://”, path or spaces.',
      port: 'Port',
      portInvalid: 'The port is a number from 1 to 65535 (7890 is the usual one).',
      spId: 'SP id',
      spIdHint: 'Up to 6 digits (Source_Addr)',
      spIdInvalid: 'The SP id is up to 6 digits, as the operator gave it.',
      secret: 'Shared secret',
      secretRequired: 'Enter the shared secret the operator gave for this SP id.',
      srcId: 'Sender number',
      srcIdHint: 'Src_Id: the number phones see, up to 21 digits',
      srcIdInvalid: 'The sender number is up to 21 digits: the service code, maybe with an extension.',
      advanced: 'Advanced',
      serviceId: 'Service_Id',
      serviceIdHint: 'The business code the operator gave; up to 10 characters, often empty',
      serviceIdInvalid: 'The Service_Id is up to 10 letters or digits.',
      version: 'Protocol version',
      mode: 'Connection',
      long: 'Long',
      longHint: 'One link kept open: delivery reports and replies arrive as they happen.',
      short: 'Short',
      shortHint: 'A link for each send, closed after it, for operators that ask for this.',
      feeUserType: 'Who pays (Fee_UserType)',
      feeUserTypes: ['0 — the recipient', '1 — the sender', '2 — the SP'] as [string, string, string],
      feeType: 'FeeType',
      feeTypeHint: '2 digits: 01 free, 02 per message, 03 monthly…',
      feeTypeInvalid: 'FeeType is 2 digits, such as 01.',
      feeCode: 'FeeCode',
      feeCodeHint: 'Up to 6 digits, in fen',
      feeCodeInvalid: 'FeeCode is up to 6 digits (the price in fen).',
      rememberHint: 'Keeps the shared secret in the system keyring',
      enterSecret: (name: string) => `Enter the shared secret for ${name}.`,
      reauth: 'The gateway refused the login. Check the SP id, enter the shared secret again, and check the advanced settings.',
    },
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
    /** The mark beside an SMS account, and its longer name for tooltips and screen readers. */
    smsBadge: 'SMS',
    smsAccount: 'SMS account',
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
    /** Before the first line of an unsent draft in the list. */
    draft: 'Draft:',
    unsupported: 'Unsupported message',
    newSms: 'New SMS',
    phoneNumber: 'Phone number',
    writeSms: 'Write SMS',
    phoneInvalid: 'Enter a phone number: 3–20 digits.',
    smsEmpty: 'No texts yet. Choose New SMS to text a phone number.',
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
    smsEmpty: 'Choose a conversation on the left, or send a new SMS.',
    /** The header's line under a phone number. */
    smsThread: 'Text messages (SMS)',
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
    /** The divider above the first message that was unread when the chat opened. */
    newMessages: (n: number) => `${n} new ${plural(n, 'message', 'messages')}`,
    jumpToUnread: (n: number) => `Jump to the first of ${n} new ${plural(n, 'message', 'messages')}`,
    today: 'Today',
    yesterday: 'Yesterday',
    gap: (n: number, sender: string) =>
      `${n} ${plural(n, 'message', 'messages')} from ${sender} ${plural(n, 'was', 'were')} lost`,
    unsupported: 'Unsupported message',
    unsupportedHint: 'It was sent by a newer version of the protocol.',
    showRaw: 'Show raw data',
    /** Answering a message (chats and rooms; not SMS). */
    reply: {
      action: 'Reply',
      label: (sender: string) => `Reply to ${sender}`,
      /** The quote above an answer; clicking it shows the original. */
      quote: (sender: string, line: string) => `In reply to ${sender}: ${line}. Show the original message`,
      loading: 'Loading the original message…',
      unavailable: 'Original message not available',
    },
    status: {
      queued: 'Queued',
      sent: 'Sent',
      delivered: 'Delivered',
      read: 'Read',
      failed: 'Not sent',
    },
    /** An SMS the gateway took whose report said it failed. */
    notDelivered: 'Not delivered',
    /** A text the user stopped before it went (not a failure). */
    cancelled: 'Cancelled',
    /** Stopping a text still queued here or held by the gateway until its time. */
    cancelSms: {
      action: 'Cancel sending',
      question: 'Cancel this text?',
      keep: 'Keep it',
      confirm: 'Cancel text',
      mayHaveGone: 'It may have gone already: the gateway no longer held it.',
      failed: 'The text was not cancelled',
    },
    /** Under a message the broker kept refusing (set aside, see FailedActions). */
    failed: {
      title: 'Message not sent',
      explain: 'The server closed the connection each time this message was sent, so it was set aside; your other messages went on. Try again, or delete it.',
      smsExplain: 'The gateway did not deliver this text. Try again, or delete it.',
      cancelledTitle: 'Text cancelled',
      cancelledExplain: 'You cancelled this text, so it was not sent. Try again to send it, or delete it.',
      retry: 'Try again',
      delete: 'Delete',
    },
  },
  /** Under a text to a phone: what the gateway said about its parts. */
  smsDelivery: {
    failed: 'Failed: ',
    failedHint: 'The gateway’s own status code for this text',
    partsSent: (n: number, total: number) => `${n} of ${total} SMS sent`,
    partsDelivered: (n: number, total: number) => `${n} of ${total} SMS delivered`,
    maybeTwice: 'May have been sent twice',
    maybeTwiceHint:
      'The link dropped before the gateway answered, so Tether sent part of it again: the phone may show it twice.',
    twice: 'Sent twice',
    twiceHint: 'The gateway took part of it twice: the phone will likely show it twice.',
    scheduled: 'Scheduled',
    /** `when`: a time today ("14:05"), else with its date. */
    scheduledFor: (when: string) => `Scheduled for ${when}`,
    scheduledHint: 'The gateway holds it until its send time.',
  },
  /** What can be done to one message: its toolbar, menu, reactions, edits and deletes. */
  message: {
    /** The menu's name; `sender` wrote the message. */
    menu: (sender: string) => `Actions for the message from ${sender}`,
    more: 'More actions',
    react: 'Add reaction',
    reply: 'Reply',
    reactMenu: 'React…',
    edit: 'Edit',
    deleteForEveryone: 'Delete for everyone',
    deleteForMe: 'Delete for me',
    copyText: 'Copy text',
    copyLink: 'Copy link to message',
    markUnread: 'Mark unread from here',
    copied: 'Copied',
    linkCopied: 'Link copied',
    copyFailed: 'Could not copy to the clipboard',
    deleteFailed: 'The message was not deleted',
    reactFailed: 'The reaction was not changed',
    markUnreadFailed: 'The conversation was not marked unread',
    /** Shown instead of a message deleted for everyone. */
    deleted: 'message deleted',
    /** Next to the time of an edited message. */
    edited: '(edited)',
    editedLabel: (when: string) => `Edited ${when}. Show the edit history`,
    history: {
      title: 'Edit history',
      original: 'Original',
      version: (n: number) => `Edit ${n}`,
      loading: 'Loading the edit history…',
      failed: 'The edit history could not be loaded.',
      close: 'Close',
    },
    confirm: {
      everyoneTitle: 'Delete this message for everyone?',
      everyone: 'Everyone in the conversation will see “message deleted” instead. This cannot be undone.',
      meTitle: 'Delete this message for you?',
      me: 'It is removed from this computer only; the others still have it.',
      delete: 'Delete',
      cancel: 'Cancel',
    },
    reactions: {
      label: 'Reactions',
      /** The signed-in user among those who reacted. */
      you: 'you',
      /** Who reacted, for a tooltip: "alice, bob and you". */
      names: (names: readonly string[]) =>
        names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`,
      chip: (emoji: string, names: readonly string[], mine: boolean) =>
        `${emoji} ${names.length} ${plural(names.length, 'reaction', 'reactions')}: ${names.join(', ')}. ${mine ? 'Click to remove yours' : 'Click to add yours'}`,
      picker: 'Add a reaction',
      quick: 'Frequently used',
      more: 'More emoji',
      grid: 'Emoji',
      any: 'Any emoji',
      anyPlaceholder: 'Type or paste an emoji',
      add: 'Add',
      empty: 'Type an emoji first.',
      tooLong: 'That is too long for a reaction: at most 64 bytes.',
      whitespace: 'A reaction cannot contain spaces or control characters.',
    },
    /** The composer while one of our messages is being edited. */
    editing: {
      title: 'Editing message',
      cancel: 'Cancel editing',
      save: 'Save',
      hint: 'Enter to save · Escape to cancel',
      failed: 'The message was not edited',
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
    smsPlaceholder: 'Write a text message',
    /** The bar above the text while answering a message. */
    reply: {
      replyingTo: (sender: string) => `Replying to ${sender}`,
      cancel: 'Cancel reply',
    },
    /** "SMS" is the same in the singular and the plural. */
    smsCost: (parts: number, left: number) => `${parts} SMS · ${left} left`,
    smsCostUnicode: 'Sent as Unicode: 70 characters fit in one SMS, 67 in each part of a longer text.',
    smsCostPlain: 'Plain text: up to 160 characters fit in one SMS.',
    /** Sending a text later: the gateway holds it until the chosen time. */
    schedule: {
      open: 'Schedule send',
      at: 'Send at',
      hint: 'The SMS gateway holds the text and sends it at this time.',
      confirm: 'Schedule',
      cancel: 'Cancel',
      invalid: 'Choose a date and time.',
      tooSoon: 'Choose a time at least a minute from now.',
      failed: 'The text was not scheduled',
    },
  },
  ...enPeople,
  ...enFiles,
  connection: {
    connecting: 'Connecting…',
    reconnectingIn: (s: number) => `Reconnecting in ${s} s`,
    reconnecting: 'Reconnecting…',
    lastError: (e: string) => `Last error: ${e}`,
    retryNow: 'Retry now',
    offline: 'Offline',
    queued: (n: number) => `${n} ${plural(n, 'message', 'messages')} queued`,
    authFailed: 'The broker refused your password',
    gatewayRefused: 'The SMS gateway refused the login',
    signInAgain: 'Sign in again',
    connected: 'Connected',
    eventsFailed: (e: string) => `Live updates are unavailable: ${e}`,
    retry: 'Retry',
  },
  /** Links in messages that ask before opening (LinkConfirm). */
  links: {
    title: 'Open this link?',
    /** Why it asks: the link's text is not where it goes. */
    differs: 'The text of this link is not the address it opens. Check the address before you open it.',
    /** Why it asks: the address may imitate another (look-alike letters, hidden characters). */
    lookalike: 'This address may imitate another one (look-alike letters or hidden characters). Check it before you open it.',
    target: 'Opens',
    text: 'Link text',
    open: 'Open',
    cancel: 'Cancel',
    openFailed: 'The link could not be opened',
  },
  toast: {
    dismiss: 'Dismiss',
  },
};

export type Dictionary = typeof en;
