'use strict';
const { DyadClient, parsePath } = require('./client');
const errors = require('./errors');
const { signAdmin, readSecret } = require('./credential');

module.exports = { DyadClient, parsePath, signAdmin, readSecret, ...errors };
