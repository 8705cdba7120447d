import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { Install } from './Install.js';
import './styles.css';

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    {/* The install wizard is its own page (/install/, served by the admin listener); everything else is the console. */}
    {location.pathname.startsWith('/install') ? <Install /> : <App />}
  </StrictMode>,
);
