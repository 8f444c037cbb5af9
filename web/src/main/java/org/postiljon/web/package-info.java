package org.postiljon.web;
