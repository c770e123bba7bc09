/** Entry point of the bundle: starts the app once the document is parsed (the script is a deferred module). */
import { startApp } from './app';

startApp();
