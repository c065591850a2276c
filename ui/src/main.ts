import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// For what differs by platform in app.css (the font on Linux), set before
// the first layout.
if (navigator.userAgent.includes('Linux')) document.documentElement.dataset.os = 'linux';

const target = document.getElementById('app');
if (!target) throw new Error('missing #app');

export default mount(App, { target });
